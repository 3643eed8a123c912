"""Runs and run steps: lifecycle, scripted turns, streams, restore from scenario files."""
