"""The lab language: ``ip`` / ``ping`` / ``sleep`` lines parsed into typed Commands.

``parse(text)`` and ``parse_file(path)`` return a ``sim.commands.Script``; a bad line
raises ``sim.errors.ScriptError(path, line, message)`` before anything runs.  New tools
plug in with ``register(name, parser)``.
"""
from sim.script.parser import parse, parse_argv, parse_file, parse_line, register, tools
from sim.script.validate import LineError

__all__ = ["LineError", "parse", "parse_argv", "parse_file", "parse_line", "register", "tools"]
