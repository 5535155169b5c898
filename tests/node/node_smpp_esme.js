// node-smpp (npm `smpp`) as an ESME for the interop tests (tests/interop/test_profiles_node.py).
//
//   NODE_PATH=<dir>/node_modules node node_smpp_esme.js HOST PORT SCRIPT_JSON
//
// SCRIPT_JSON: {"system_id", "password", "interface_version" (default node-smpp's 0x50),
//   "submits": [{submit_sm fields}...], "requests": [{"command", "fields"}...] (sent after
//   the submits, each awaited; a field "$last_message_id" takes the message_id of the
//   latest response that had one), "receipts": N (wait for N distinct receipts), "alerts": N,
//   "timeout_ms"}.
// Writes one JSON line per event to stdout: {"event": "bind_resp" | "submit_sm_resp" |
// "response" | "deliver_sm" | "alert_notification" | "done" | "error", ...}. Every
// deliver_sm is answered ESME_ROK. Exits when it has seen what it waits for, or at the
// timeout (then "error").

'use strict';

const smpp = require('smpp');

const [host, port, scriptJson] = process.argv.slice(2);
const script = JSON.parse(scriptJson);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

let receipts = 0;
let alerts = 0;
let finished = false;
const wantReceipts = script.receipts || 0;
const wantAlerts = script.alerts || 0;

const session = smpp.connect({ url: `smpp://${host}:${port}`, auto_enquire_link_period: 0 });

function finish(code) {
	if (finished) {
		return;
	}
	finished = true;
	out({ event: code ? 'error' : 'done', receipts, alerts });
	session.unbind(() => session.close());
	setTimeout(() => process.exit(code), 200);
}

const timer = setTimeout(() => finish(1), script.timeout_ms || 10000);

function text(pdu) {
	const sm = pdu.short_message;
	if (sm && sm.message !== undefined) {
		return Buffer.isBuffer(sm.message) ? sm.message.toString('latin1') : String(sm.message);
	}
	return Buffer.isBuffer(sm) ? sm.toString('latin1') : String(sm || '');
}

function maybeDone() {
	if (receipts >= wantReceipts && alerts >= wantAlerts && pendingRequests === 0) {
		clearTimeout(timer);
		finish(0);
	}
}

const receiptIds = new Set(); // receipts counted once each: a carrier may send one twice

session.on('deliver_sm', (pdu) => {
	session.send(pdu.response());
	if (finished) {
		return;
	}
	const receipt = (pdu.esm_class & 0x3c) === 0x04;
	if (receipt) {
		receiptIds.add(pdu.receipted_message_id || text(pdu));
		receipts = receiptIds.size;
	}
	out({
		event: 'deliver_sm',
		receipt,
		esm_class: pdu.esm_class,
		text: text(pdu),
		receipted_message_id: pdu.receipted_message_id || null,
		message_state: pdu.message_state === undefined ? null : pdu.message_state,
	});
	maybeDone();
});

session.on('alert_notification', (pdu) => {
	if (finished) {
		return;
	}
	alerts += 1;
	out({
		event: 'alert_notification',
		source_addr: pdu.source_addr,
		esme_addr: pdu.esme_addr,
		ms_availability_status:
			pdu.ms_availability_status === undefined ? null : pdu.ms_availability_status,
	});
	maybeDone();
});

session.on('error', (err) => {
	out({ event: 'error', message: String(err) });
	finish(1);
});

let pendingRequests = 1; // the submits and requests below, counted down as each is answered

let lastMessageId = null; // "$last_message_id" in a request's fields is replaced by it

function requests(list) {
	if (!list.length) {
		pendingRequests = 0;
		maybeDone();
		return;
	}
	const [first, ...rest] = list;
	const fields = Object.fromEntries(
		Object.entries(first.fields || {}).map(([k, v]) => [k, v === '$last_message_id' ? lastMessageId : v]),
	);
	session[first.command](fields, (pdu) => {
		if (pdu.message_id) {
			lastMessageId = pdu.message_id;
		}
		out({
			event: 'response',
			command: pdu.command,
			command_status: pdu.command_status,
			message_id: pdu.message_id === undefined ? null : pdu.message_id,
			fields: Object.fromEntries(
				Object.entries(pdu).filter(([k, v]) => typeof v !== 'function' && k !== 'command'),
			),
		});
		requests(rest);
	});
}

function submits(list) {
	if (!list.length) {
		requests(script.requests || []);
		return;
	}
	const [first, ...rest] = list;
	session.submit_sm(first, (pdu) => {
		out({ event: 'submit_sm_resp', command_status: pdu.command_status, message_id: pdu.message_id });
		submits(rest);
	});
}

const bind = { system_id: script.system_id, password: script.password };
if (script.interface_version !== undefined) {
	bind.interface_version = script.interface_version;
}
session.bind_transceiver(bind, (pdu) => {
	out({
		event: 'bind_resp',
		command_status: pdu.command_status,
		sc_interface_version: pdu.sc_interface_version === undefined ? null : pdu.sc_interface_version,
	});
	if (pdu.command_status !== 0) {
		finish(1);
		return;
	}
	submits(script.submits || []);
});
