// node-smpp (npm `smpp`) as a codec for the differential tests (tests/nodesmpp.py).
//
// One JSON request per line on stdin, one JSON answer per line on stdout:
//   {"op": "encode", "command": "broadcast_sm", "fields": {...}}  -> {"hex": "..."}
//   {"op": "decode", "hex": "..."}  -> {"command": ..., "command_status": ...,
//                                       "sequence_number": ..., "fields": {...},
//                                       "extra": [[tag, hex], ...]}
//   any failure                     -> {"error": "..."}
// Octet values travel as {"$hex": "..."}. node-smpp's value filters (times to Date, text to
// strings, structured TLVs to objects) are skipped on decode: only its wire codec is
// compared. On encode they pass Buffers and 16-character times through unchanged.
//
//   NODE_PATH=<dir>/node_modules node node_smpp_codec.js

'use strict';

const readline = require('readline');
const smpp = require('smpp');

const PDU = smpp.PDU;
const filter = PDU.prototype._filter;
PDU.prototype._filter = function (func) {
	if (func === 'encode') {
		filter.call(this, func);
	}
};

function fromJson(value) {
	if (Array.isArray(value)) {
		return value.map(fromJson);
	}
	if (value !== null && typeof value === 'object') {
		if ('$hex' in value) {
			return Buffer.from(value.$hex, 'hex');
		}
		const out = {};
		for (const key of Object.keys(value)) {
			out[key] = fromJson(value[key]);
		}
		return out;
	}
	return value;
}

function toJson(value) {
	if (Buffer.isBuffer(value)) {
		return {$hex: value.toString('hex')};
	}
	if (Array.isArray(value)) {
		return value.map(toJson);
	}
	if (value !== null && typeof value === 'object') {
		const out = {};
		for (const key of Object.keys(value)) {
			out[key] = toJson(value[key]);
		}
		return out;
	}
	return value;
}

function encode(request) {
	const options = fromJson(request.fields);
	const pdu = new PDU(request.command, options);
	return {hex: pdu.toBuffer().toString('hex')};
}

const HEADER = new Set(['command', 'command_length', 'command_id', 'command_status',
	'sequence_number']);

function decode(request) {
	const pdu = new PDU(Buffer.from(request.hex, 'hex'));
	if (pdu.command === 'unknown') {
		return {error: 'unknown command_id ' + pdu.command_id};
	}
	const fields = {};
	const extra = [];
	for (const key of Object.keys(pdu)) {
		if (HEADER.has(key)) {
			continue;
		}
		if (/^[0-9]+$/.test(key)) {
			extra.push([Number(key), pdu[key].toString('hex')]);
		} else {
			fields[key] = toJson(pdu[key]);
		}
	}
	return {
		command: pdu.command,
		command_status: pdu.command_status,
		sequence_number: pdu.sequence_number,
		fields: fields,
		extra: extra,
	};
}

const rl = readline.createInterface({input: process.stdin, terminal: false});
rl.on('line', function (line) {
	let answer;
	try {
		const request = JSON.parse(line);
		answer = request.op === 'encode' ? encode(request) : decode(request);
	} catch (e) {
		answer = {error: String(e && e.message ? e.message : e)};
	}
	process.stdout.write(JSON.stringify(answer) + '\n');
});
