"""The generated codec (pdu/_generated.py) is current and complete.

The tables in pdu/layout.py and pdu/tlv.py are the truth; a table change without
``python -m pdu._codegen`` would leave the fast path decoding the old layout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pdu
from pdu import _codegen, _generated
from pdu.layout import PDU_DEFS, PduDef
from pdu.tlv import allowed_specs

ROOT = Path(__file__).resolve().parent.parent
MINIMAL: dict[str, dict[str, object]] = {
    "SubmitMulti": {"dest_address": [pdu.SmeAddress(1, 1, "1")]},
    "BroadcastSm": {
        "broadcast_area_identifier": (b"\x00A",),
        "broadcast_content_type": pdu.BroadcastContentType(0, 0),
        "broadcast_rep_num": 1,
        "broadcast_frequency_interval": pdu.BroadcastFrequencyInterval(0, 0),
    },
    "QueryBroadcastSmResp": {
        "message_state": 1,
        "broadcast_area_identifier": (b"\x00A",),
        "broadcast_area_success": (100,),
    },
}


def test_checked_in_generated_file_is_current() -> None:
    # The venv's interpreter, from the repository root: what a developer runs.
    result = subprocess.run(
        [sys.executable, "-m", "pdu._codegen", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_check_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check must be able to fail, or the test above proves nothing.
    stale = tmp_path / "_generated.py"
    stale.write_text(_codegen.TARGET.read_text() + "\n# edited by hand\n")
    monkeypatch.setattr(_codegen, "TARGET", stale)
    assert _codegen.main(["--check"]) == 1
    assert stale.read_text().endswith("# edited by hand\n")  # --check never writes


@pytest.mark.parametrize("d", PDU_DEFS, ids=lambda d: d.class_name)
def test_every_pdu_def_has_class_decoder_and_encoder(d: PduDef) -> None:
    cls = _generated.CLASSES[d.command_id]
    assert cls.__name__ == d.class_name
    assert getattr(pdu, d.class_name) is cls
    assert cls.command_id == d.command_id
    assert cls.mandatory_fields == tuple(f.name for f in d.fields)
    assert cls.tlv_specs == allowed_specs(d.command_id)
    assert cls.body_omitted_on_error == d.body_omitted_on_error
    assert d.command_id in _generated.DECODERS
    assert _generated.ENCODERS[cls] is not None
    # The registered pair works on a minimal instance (submit_multi needs a destination,
    # broadcast_sm and query_broadcast_sm_resp their mandatory TLVs).
    frame = pdu.encode(cls(sequence_number=1, **MINIMAL.get(d.class_name, {})))
    assert int.from_bytes(frame[4:8], "big") == d.command_id
    assert type(pdu.decode(frame)) is cls


def test_registries_hold_nothing_but_the_table() -> None:
    ids = {d.command_id for d in PDU_DEFS}
    assert len(ids) == len(PDU_DEFS) == 27 + 6  # SMPP 3.4, then the 5.0 broadcast PDUs
    assert set(_generated.CLASSES) == ids
    assert set(_generated.DECODERS) == ids
    assert set(_generated.ENCODERS) == set(_generated.CLASSES.values())
