"""Every notebook in notebooks/ runs top to bottom, headless, without root.

Executed with nbclient in a fresh Python kernel (over IPC, so it works inside
``unshare --net``) whose working directory is notebooks/, as Jupyter would have it; any
cell error fails the test with the cell's traceback.  Notebook 05 runs the kernel backend
live when it is available: run the suite inside ``unshare --net`` as CI does.
Skipped only when nbclient/nbformat/ipykernel are not installed (the ``notebook`` extra).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat", reason="nbformat not installed (pip install "
                               "vethlab[notebook])")
nbclient = pytest.importorskip("nbclient", reason="nbclient not installed (pip install "
                               "vethlab[notebook])")
pytest.importorskip("ipykernel", reason="ipykernel not installed (pip install "
                    "vethlab[notebook])")


def test_there_are_six_notebooks():
    assert len(PATHS) == 6, [p.name for p in PATHS]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stripped(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{path.name}: outputs not stripped"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    from jupyter_client.manager import KernelManager

    # IPC, not TCP: under `unshare --net` (how CI runs) loopback is down.  The socket path
    # must be absolute: the kernel runs in notebooks/, the client wherever pytest does.
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = nbclient.NotebookClient(nb, km=km, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n" + re.sub(r"\x1b\[[0-9;]*m", "", str(exc)))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    assert "Traceback" not in texts
