"""Typed errors and the exact wording the real API uses.

Every failure the fake reports is one of these; exactly one place (``app``) renders them as
``{"error": {"message", "type", "param", "code"}}``. Texts live here as templates so routes and the
store never spell out wording themselves.

Hierarchy::

    MockError                      (status 500, type "server_error")
    ├── InvalidRequestError        (400, invalid_request_error; carries param/code)
    │   ├── ConflictStateError     (400: the thread or run is in the wrong state)
    │   └── ReplayMissError        (400: no recorded interaction matches the request)
    ├── AuthenticationError        (401, invalid_request_error)
    ├── NotFoundError              (404, invalid_request_error)
    ├── MethodNotAllowedError      (405, invalid_request_error)
    ├── PayloadTooLargeError       (413, invalid_request_error)
    │   └── ContentTooLargeError   (413, server_error: a file over its limit)
    ├── PermissionDeniedError      (403, invalid_request_error)
    └── InjectedFaultError         (any status: a fault the test asked for)
"""

from __future__ import annotations

from typing import Any

#: Texts copied from real API responses (see ../shared/reference/assistants-v2.md section 2).
MISSING_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
    "auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're "
    "accessing the API from your browser and are prompted for a username and password. You can obtain an API "
    "key from https://platform.openai.com/account/api-keys."
)
INCORRECT_KEY = (
    "Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys."
)
MISSING_BETA = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the "
    "header 'OpenAI-Beta: assistants=v2'."
)
OLD_BETA = (
    "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
)
INVALID_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
    "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have "
    "trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"
)
#: INF: the real API's parser refuses these bodies outright; we say why (docs/stub.md, "Limits").
INVALID_JSON_VALUE = (
    "We could not parse the JSON body of your request: {reason}. The OpenAI API expects a JSON payload of valid "
    "Unicode text with finite numbers."
)
INVALID_URL_VALUE = "Invalid '{param}'. Expected a valid URL, but got a value with an invalid format."
FILE_SEARCH_ONE_OF = (
    "Invalid '{param}': expected exactly one of 'vector_store_ids' (existing vector stores) or 'vector_stores' "
    "(vector stores to create)."
)
CHUNK_OVERLAP_TOO_BIG = "Invalid '{param}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens."
UNKNOWN_URL = (
    "Unknown request URL: {method} {path}. Please check the URL for typos, or see the docs at "
    "https://platform.openai.com/docs/api-reference/."
)
#: A real OpenAI route family the fake does not serve (surfaces/catalog.py): still a 404 ``unknown_url``.
NOT_IMPLEMENTED = (
    "Unknown request URL: {method} {path}. mockserver does not implement {family} yet: this is a real OpenAI "
    "endpoint, not a typo. {hint}"
)
INVALID_METHOD = "Invalid method for URL ({method} {path})"
NOT_FOUND = "No {noun} found with id '{id}'."
BAD_ID_PREFIX = "Invalid '{param}': '{value}'. Expected an ID that begins with '{prefix}'."
MISSING_PARAM = "Missing required parameter: '{param}'."
UNKNOWN_ARGUMENT = "Unrecognized request argument supplied: {names}"
UNKNOWN_ARGUMENTS = "Unrecognized request arguments supplied: {names}"
INVALID_TYPE = "Invalid type for '{param}': expected {expected}, but got {actual} instead."
INVALID_VALUE = "Invalid value: '{value}'. Supported values are: {supported}."
TOO_MANY_PROPERTIES = (
    "Invalid '{param}': too many properties. Expected an object with at most {limit} properties, "
    "but got an object with {count} properties instead."
)
KEY_TOO_LONG = (
    "Invalid property name in '{param}': '{key}' is too long. Expected a string with maximum length {limit}, "
    "but got a string with length {length} instead."
)
STRING_TOO_LONG = (
    "Invalid '{param}': string too long. Expected a string with maximum length {limit}, "
    "but got a string with length {length} instead."
)
STRING_TOO_SHORT = (
    "Invalid '{param}': string too short. Expected a string with minimum length {limit}, "
    "but got an empty string instead."
)
ARRAY_TOO_LONG = (
    "Invalid '{param}': array too long. Expected an array with maximum length {limit}, "
    "but got an array with length {length} instead."
)
STRING_PATTERN = (
    "Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '{pattern}'."
)
EMPTY_ARRAY = "Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty array instead."
INTEGER_ABOVE_MAX = (
    "Invalid '{param}': integer above maximum value. Expected a value <= {limit}, but got {value} instead."
)
INTEGER_BELOW_MIN = (
    "Invalid '{param}': integer below minimum value. Expected a value >= {limit}, but got {value} instead."
)
NUMBER_ABOVE_MAX = (
    "Invalid '{param}': decimal above maximum value. Expected a value <= {limit}, but got {value} instead."
)
NUMBER_BELOW_MIN = (
    "Invalid '{param}': decimal below minimum value. Expected a value >= {limit}, but got {value} instead."
)
QUERY_NOT_INTEGER = "Invalid '{param}': expected an integer, but got '{value}' instead."
BODY_NOT_OBJECT = "Invalid body: expected a JSON object, but got {actual} instead."
BODY_TOO_LARGE = "Request body too large: {size} bytes exceeds the limit of {limit} bytes."
MESSAGE_WHILE_RUN_ACTIVE = "Can't add messages to {thread_id} while a run {run_id} is active."
RUN_WHILE_RUN_ACTIVE = "Thread {thread_id} already has an active run {run_id}."
TOOL_OUTPUTS_WRONG_STATUS = 'Runs in status "{status}" do not accept tool outputs.'
CANNOT_CANCEL = "Cannot cancel run with status '{status}'."
INTERNAL = "The server had an error while processing your request. Sorry about that!"
# Cassette replay (replay issue): our own wording, the real API has no such case.
REPLAY_MISS = "No recorded interaction in cassette '{cassette}' matches {request} (record mode '{mode}'). {detail}"
UPSTREAM_UNREACHABLE = "The recording proxy could not reach the upstream API at {url}: {reason}"
# -- runs and the scripted model (docs/runs.md) ----------------------------------------------------------------
TOOL_OUTPUTS_MISMATCH = "Expected tool outputs for call_ids {expected}, got {got}."
INCLUDE_VALUE = "Invalid value: '{value}'. Supported values are: '{supported}'."
SCRIPT_UNKNOWN_FIELD = "Invalid '{param}': unknown field '{name}'. Supported fields are: {allowed}."
SCRIPT_BAD_REGEX = "Invalid '{param}': not a valid regular expression ({error})."
SCRIPT_REPLY_KIND = (
    "Invalid '{param}': a reply needs exactly one of 'text', 'tool_calls', 'refusal', 'fail', 'incomplete' or "
    "'expire' (found {found})."
)
SCRIPT_ANNOTATION_TEXT = "Invalid '{param}': '{text}' does not occur in the reply text."
SCRIPT_MISS = "mockserver strict mode: no script rule matched this run (last user message: {text}). {closest}"
SCRIPT_MISS_FOLLOW_UP = (
    "mockserver strict mode: script rule '{rule}' has no reply for after the tool outputs were submitted "
    "(add a 'then' entry)."
)
SCRIPT_UNKNOWN_FUNCTION = (
    "mockserver: script rule '{rule}' calls function '{name}', but the run has no function tool of that name "
    "(function tools: {available})."
)
SCRIPT_TOOL_NOT_ENABLED = (
    "mockserver: script rule '{rule}' calls the built-in tool '{name}', but the run does not have it "
    "(tools: {available})."
)
RUN_SETTINGS_FIELD = "Invalid '{param}': unknown run setting. Supported settings are: {allowed}."
STREAM_TIMEOUT = (
    "mockserver: the run did not reach a state that ends the stream within {ms} ms (progress mode 'on_clock' "
    "waits for the clock to be advanced)."
)
# -- chat completions, embeddings, moderations (docs/chat.md; platform-surfaces.md sections 6-8) --------------
CHAT_UNKNOWN_PARAMETER = "Unknown parameter: '{param}'."
CHAT_INVALID_VALUE = "Invalid value: '{value}'. Supported values are: {supported}."
CHAT_MISSING_MODEL = "you must provide a model parameter"
CHAT_BAD_ROLE = (
    "Invalid value: '{value}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and "
    "'developer'."
)
CHAT_TOOL_WITHOUT_CALLS = (
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
)
CHAT_UNANSWERED_CALLS = (
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
    "The following tool_call_ids did not have response messages: {ids}"
)
CHAT_BAD_FUNCTION_SCHEMA = "Invalid schema for function '{name}': {problem}"
CHAT_BAD_RESPONSE_SCHEMA = "Invalid schema for response_format '{name}': {problem}"
CHAT_TOOL_CHOICE_UNKNOWN = "Invalid value for 'tool_choice': {kind} '{name}' is not one of the tools in 'tools'."
CHAT_ONLY_WITH_TOOLS = "Invalid value for '{param}': '{param}' is only allowed when 'tools' are specified."
CHAT_STREAM_OPTIONS = "The 'stream_options' parameter is only allowed when 'stream' is enabled."
CHAT_JSON_WORD = "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
CHAT_TOP_LOGPROBS = "Invalid value for 'top_logprobs': requires 'logprobs' to be true."
CHAT_NOT_CHAT_MODEL = (
    "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use "
    "v1/completions?"
)
MODEL_DOES_NOT_EXIST = "The model `{model}` does not exist or you do not have access to it."
CHAT_COMPLETION_NOT_FOUND = "No chat completion found with id '{id}'."
# The scripted model answering chat: our wording (docs/chat.md "When the script cannot answer").
CHAT_SCRIPT_FOLLOW_UP = (
    "mockserver strict mode: script rule '{rule}' has no reply for after the tool results (add a 'then' entry)."
)
CHAT_UNKNOWN_FUNCTION = (
    "mockserver: script rule '{rule}' calls {kind} '{name}', but the request has no tool of that name "
    "(tools: {available})."
)
CHAT_BUILTIN_CALL = "mockserver: script rule '{rule}' makes a {kind} call, which Chat Completions cannot make."
CHAT_SCRIPT_INVALID = "mockserver: script rule '{rule}' {what} does not match the schema of {target}: {errors}"
CHAT_SCRIPT_EXPIRE = "mockserver: script rule '{rule}' replies 'expire', which a chat completion cannot do."
EMBEDDING_BAD_INPUT = (
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."
)
EMBEDDING_NO_DIMENSIONS = "This model does not support specifying dimensions."
EMBEDDING_TOO_LONG = "Invalid '{param}': maximum input length is {limit} tokens."
EMBEDDING_REQUEST_TOO_LARGE = (
    "Requested {tokens} tokens, max {limit} tokens per request: maximum request size is {limit} tokens per request."
)
NOT_EMBEDDING_MODEL = "This model does not support embeddings: '{model}'."
NOT_MODERATION_MODEL = "Invalid value for 'model': '{model}' is not a moderation model."
# -- Responses and Conversations (docs/responses.md; reference responses-conversations.md section 6) --------------
INVALID_URL = "Invalid URL ({method} {path})"
UNKNOWN_PARAMETER = "Unknown parameter: '{param}'."
UNKNOWN_PARAMETER_HINT = "Unknown parameter: '{param}'. Did you mean {candidates}?"
MOVED_PARAMETER = (
    "Unsupported parameter: '{param}'. In the Responses API, this parameter has moved to '{moved}'. Try again with "
    "the new parameter. See the API documentation for more information: "
    "https://platform.openai.com/docs/api-reference/responses/create."
)
INPUT_OR_CONTEXT_REQUIRED = (
    "One of \"input\" or \"previous_response_id\" or 'prompt' or 'conversation' must be provided."
)
MODEL_NOT_FOUND = "The requested model '{model}' does not exist."
RESPONSE_NOT_FOUND = "Response with id '{id}' not found."
CONVERSATION_NOT_FOUND = "Conversation with id '{id}' not found."
ITEM_NOT_FOUND = "Item with id '{id}' not found."
ITEM_NOT_PERSISTED = (
    "Item with id '{id}' not found. Items are not persisted when `store` is set to false. Try again with `store` "
    "set to true, or remove this item from your input."
)
PROMPT_NOT_FOUND = "Prompt with id '{id}' not found."
PREVIOUS_RESPONSE_NOT_FOUND = "Previous response with id '{id}' not found."
ID_BAD_CHARACTERS = (
    "Invalid '{param}': '{value}'. Expected an ID that contains letters, numbers, underscores, or dashes, but this "
    "value contained additional characters."
)
MUTUALLY_EXCLUSIVE = (
    "Mutually exclusive parameters: ''. Ensure you are only providing one of: 'pre..._id' or 'conversation'."
)
NO_TOOL_CALL_FOR_OUTPUT = "No tool call found for function call output with call_id {call_id}."
NO_TOOL_OUTPUT = "No tool output found for function call {call_id}."
CANNOT_CANCEL_SYNC = "Cannot cancel a synchronous response."
BACKGROUND_NEEDS_STORE = "Background mode requires 'store' to be true: a background response must be stored."
NOT_STREAMED = (
    "This response cannot be streamed: only a background response created with 'stream' set to true can be "
    "streamed again."
)
TEXT_FORMAT_INVALID_SCHEMA = "Invalid schema for response_format '{name}': {problem}"
FUNCTION_INVALID_SCHEMA = "Invalid schema for function '{name}': {problem}"
SCRIPT_STRUCTURED_MISMATCH = (
    "mockserver: script rule '{rule}' replied with text that does not match the strict json_schema '{name}' "
    "the request asked for: {problem}"
)
SCRIPT_UNKNOWN_FUNCTION_RESPONSE = (
    "mockserver: script rule '{rule}' calls function '{name}', but the request has no function tool of that name "
    "(function tools: {available})."
)
PREVIOUS_RESPONSE_ACTIVE = "Previous response with id '{id}' is still in progress."
SCRIPT_BUILTIN_NO_TOOL = (
    "mockserver: script rule '{rule}' calls the built-in tool '{name}', but the request has no {name} tool."
)
SCRIPT_TOOL_CHOICE_NONE = (
    "mockserver strict mode: script rule '{rule}' calls tools, but the request's tool_choice is 'none'."
)
# Restoring exported objects (scenario files, docs/scenarios.md): our wording, no request makes these.
RESTORE_BAD_ID = (
    "Invalid '{param}': '{value}' is not a valid id (expected '{prefix}' followed by 1 to 64 letters, digits or "
    "underscores)."
)
RESTORE_BAD_HEX_ID = (
    "Invalid '{param}': '{value}' is not a valid id (expected '{prefix}' followed by {length} lowercase hex digits)."
)
RESTORE_MISMATCH = "Invalid '{param}': expected {expected}, got {value}."
RESTORE_NOT_NULL_UNLESS = "Invalid '{param}': must be null unless the run's status is '{status}'."
RESTORE_DUPLICATE_ID = "Duplicate id '{id}': an object with this id already exists."
RESTORE_SECOND_ACTIVE = (
    "Invalid '{param}': thread {thread_id} already has an active run {run_id} (a thread has at most one)."
)
RESTORE_ENGINE_OF_FINISHED = "Invalid 'engine': only an active run has engine state, and this run is '{status}'."
RESTORE_PENDING_MISMATCH = "Invalid 'engine.pending': a run in status '{status}' {must} waiting to play its next turn."
RESTORE_NO_TOOL_STEP = (
    "Invalid '{param}': a run waiting for tool outputs needs its in-progress tool_calls step, whose calls are "
    "the ones in required_action ({calls})."
)
# Injected faults (stub issue): real wording where the real API has one.
RATE_LIMITED = (
    "Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in {wait}. "
    "Visit https://platform.openai.com/account/rate-limits to learn more."
)
OVERLOADED = "The engine is currently overloaded, please try again later."
BAD_GATEWAY = "Bad gateway."
GATEWAY_TIMEOUT = "Gateway timeout."
INJECTED_FAULT = "Injected fault: HTTP {status} (scheduled through the mockserver control API)."
FAULT_UNKNOWN_FIELDS = "Unrecognized fault field(s) in '{param}': {names}. Supported fields are: {allowed}."
FAULT_EFFECTS = "Invalid '{param}': a fault does one thing, but got {names}. Use one of status, drop, cut_stream_after."
FAULT_COUNTERS = "Invalid '{param}': 'fired' cannot exceed 'seen' (a fault fires only on requests it has seen)."
FAULT_NO_EFFECT = (
    "Invalid '{param}': a fault needs an effect: status (an error answer), drop, cut_stream_after or latency_ms."
)
FAULT_BAD_HEADER = (
    "Invalid '{param}': a header name must be an HTTP token and its value printable text without line breaks; "
    "{framing} are set by the server."
)
CONTROL_BAD_FIELD = "Invalid '{param}': {reason}"
NO_STATE_FILE = "This server has no state file: start it with --state-file PATH to save state."
# -- files, uploads, vector stores, models (docs/files.md); V-real where platform-surfaces.md marks it ----------
NO_SUCH_FILE = "No such File object: {id}"
NO_SUCH_UPLOAD = "No such Upload object: {id}"
FILE_PURPOSE_INVALID = "'{value}' is not one of {allowed} - 'purpose'"
FILE_DOWNLOAD_FORBIDDEN = "Not allowed to download files of purpose: {purpose}"
FILE_FORMAT_JSONL = "Invalid file format for {api}. Must be .jsonl"
CONTENT_TOO_LARGE = "Maximum content size limit ({limit}) exceeded ({size} bytes read)"
MULTIPART_INVALID = "Invalid multipart/form-data body: {reason}."
MULTIPART_DUPLICATE = "Invalid multipart/form-data body: the field '{name}' is given more than once."
UPLOAD_WRONG_STATUS = "Upload {id} has status '{status}'; {action}."
UPLOAD_PART_TOO_LARGE = "Invalid 'data': a part holds at most {limit} bytes, but this one has {size} bytes."
UPLOAD_BYTES_MISMATCH = (
    "The parts in 'part_ids' hold {actual} bytes in total, but the Upload was created with bytes={expected}."
)
UPLOAD_UNKNOWN_PART = "Invalid 'part_ids': '{id}' is not a part of Upload {upload_id}."
UPLOAD_DUPLICATE_PART = "Invalid 'part_ids': '{id}' is listed more than once."
UPLOAD_MD5_MISMATCH = "Invalid 'md5': the uploaded bytes have the md5 checksum '{actual}', not '{expected}'."
MODEL_ID_NOT_FOUND = "The model '{id}' does not exist"
INSUFFICIENT_PERMISSIONS = "You have insufficient permissions for this operation."
VECTOR_STORE_FILE_NOT_FOUND = "No file found with id '{file_id}' in vector store '{vector_store_id}'."
FILE_BATCH_NOT_FOUND = "No file batch found with id '{batch_id}' in vector store '{vector_store_id}'."
UNSUPPORTED_RETRIEVAL_FILES = (
    "Files with extensions [{extensions}] are not supported for retrieval. "
    "See https://platform.openai.com/docs/assistants/tools/file-search/supported-files"
)
VECTOR_STORE_EXPIRED = "Vector store '{id}' has expired."
# The Responses API's "X with id not found" pattern (platform-surfaces.md 9.2, INF): no capture of this one.
RESPONSES_VECTOR_STORE_NOT_FOUND = "Vector store with id '{id}' not found."
MUTUALLY_EXCLUSIVE_PARAMS = (
    "Mutually exclusive parameters: ''. Ensure you are only providing one of: '{first}' or '{second}'."
)
CHUNK_OVERLAP_TOO_LARGE = (
    "Invalid '{param}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens ({limit}), but got {value}."
)
CANNOT_CANCEL_BATCH = "Cannot cancel a vector store file batch with status '{status}'."
FILE_SEARCH_EMPTY_FILE_IDS = "file_search tool configuration is invalid. file_ids must be non-empty"


class MockError(Exception):
    """Base of every error the fake renders. Subclasses fix ``status`` and ``type``."""

    status: int = 500
    type: str = "server_error"
    #: Set while a scenario is applied: the place in the document of the object that was refused.
    document_path: str | None = None

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The OpenAI error envelope; all four keys are always present."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class InvalidRequestError(MockError):
    status = 400
    type = "invalid_request_error"


class ConflictStateError(InvalidRequestError):
    """A valid request the current state forbids. Real API answers 400 (a 409 would make the SDK retry)."""


class ReplayMissError(InvalidRequestError):
    """No recorded interaction matches a request while replaying a cassette."""


class AuthenticationError(MockError):
    status = 401
    type = "invalid_request_error"


class NotFoundError(MockError):
    status = 404
    type = "invalid_request_error"


class MethodNotAllowedError(MockError):
    status = 405
    type = "invalid_request_error"


class PayloadTooLargeError(MockError):
    status = 413
    type = "invalid_request_error"


class ContentTooLargeError(PayloadTooLargeError):
    """A file over its size limit: the real 413 for content says ``server_error`` (platform-surfaces.md 2.4)."""

    type = "server_error"


class PermissionDeniedError(MockError):
    status = 403
    type = "invalid_request_error"


class InjectedFaultError(MockError):
    """An error a test scheduled on purpose; status and type are chosen per fault."""

    def __init__(self, status: int, message: str, *, type: str, code: str | None, headers: dict[str, str]) -> None:
        super().__init__(message, code=code, headers=headers)
        self.status = status
        self.type = type


def not_found(noun: str, object_id: str) -> NotFoundError:
    """``No thread found with id 'thread_X'.`` and its siblings for other nouns."""
    return NotFoundError(NOT_FOUND.format(noun=noun, id=object_id))


def missing_param(param: str) -> InvalidRequestError:
    return InvalidRequestError(MISSING_PARAM.format(param=param), param=param, code="missing_required_parameter")


def invalid_value(value: object, supported: list[str], param: str) -> InvalidRequestError:
    return InvalidRequestError(
        INVALID_VALUE.format(value=value, supported=quoted_choice(supported)), param=param, code="invalid_value"
    )


def quoted_choice(values: list[str], *, serial_comma: bool = False) -> str:
    """``'a', 'b' and 'c'``: how the Assistants API lists supported values; the Responses API writes
    ``'a', 'b', and 'c'`` (``serial_comma``)."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2 or not serial_comma:
        return ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def mask_key(key: str) -> str:
    """Mask an API key the way the real 401 does: a short prefix, stars, the last four characters."""
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:8]}{'*' * max(len(key) - 12, 4)}{key[-4:]}"


class StateSaveError(MockError):
    """The state file cannot be written: writes are refused (503) until a save succeeds (docs/stub.md)."""

    status = 503

    def __init__(self, reason: str) -> None:
        super().__init__(STATE_SAVE_FAILING.format(reason=reason), code="state_file_unwritable")


STATE_SAVE_FAILING = (
    "The state file cannot be saved ({reason}); this mockserver refuses writes until a save succeeds, so nothing "
    "acknowledged is lost. Fix the file or its directory; saving is retried every --save-interval."
)


class ForbiddenError(MockError):
    """A request the server's security model refuses (Host, Origin, control token): docs/stub.md, "Security"."""

    status = 403
    type = "invalid_request_error"


class UnsupportedMediaTypeError(MockError):
    status = 415
    type = "invalid_request_error"


BAD_HOST = (
    "Host {host!r} is not allowed: this mockserver listens on loopback, so it answers only requests addressed to "
    "localhost, 127.0.0.1 or [::1] (protection against DNS rebinding)."
)
BAD_ORIGIN = (
    "Cross-origin requests to the control plane are refused (Origin {origin!r}): a web page must not be able to "
    "change this mockserver's state."
)
BAD_CONTROL_TOKEN = (
    "The control plane needs its token: send it in the 'X-Mockserver-Token' header (printed at start, or set with "
    "--control-token / MOCKSERVER_CONTROL_TOKEN)."
)
CONTROL_NEEDS_JSON = (
    "Control-plane writes must be sent with 'Content-Type: application/json' (got {ctype!r}); this keeps "
    "cross-site form posts from changing state."
)
