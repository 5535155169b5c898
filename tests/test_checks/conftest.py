import sys
from pathlib import Path

# test_core's harness and this folder's helpers import by module name.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
