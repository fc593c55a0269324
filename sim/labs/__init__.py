"""Lab scripts shipped with vethlab (the book's seed walk-through and others)."""
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The book section's veth walk-through as a lab script.
SEED_SCRIPT = HERE / "seed-veth.ip"
#: The book section itself, which runs verbatim (only its ``$ `` lines are commands).
SEED_BOOK = HERE / "seed-veth.md"
