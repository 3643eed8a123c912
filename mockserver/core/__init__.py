"""The deterministic core every surface builds on: ids and the clock, errors and their wording, validation,
pagination, wire JSON, and the project store with its lock. Standard library and orjson only."""
