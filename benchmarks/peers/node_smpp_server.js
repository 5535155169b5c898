// Bare SMPP server on npm's `smpp` package (node-smpp), for benchmarks/server_bench.py.
//
// Answers bind_*, submit_sm (with a message_id), enquire_link and unbind; stores nothing and
// sends no receipts, so it is the floor: what the wire and the framing cost in node.
// The package is installed outside the repository; the bench sets NODE_PATH to it.
//
//   NODE_PATH=/tmp/nodesmpp/node_modules node node_smpp_server.js PORT

'use strict';

const smpp = require('smpp');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
	console.error('usage: node node_smpp_server.js PORT');
	process.exit(2);
}

let nextId = 0;

const server = smpp.createServer(function (session) {
	const bind = function (pdu) {
		session.send(pdu.response({ system_id: 'nodesmpp' }));
	};
	session.on('bind_transceiver', bind);
	session.on('bind_transmitter', bind);
	session.on('bind_receiver', bind);
	session.on('submit_sm', function (pdu) {
		nextId += 1;
		session.send(pdu.response({ message_id: nextId.toString(16) }));
	});
	session.on('enquire_link', function (pdu) {
		session.send(pdu.response());
	});
	session.on('unbind', function (pdu) {
		session.send(pdu.response());
		session.close();
	});
	// A peer that resets the connection must not bring the server down mid-run.
	session.on('error', function () {
		session.destroy();
	});
});

server.listen(port, '127.0.0.1', function () {
	console.log('READY ' + port);
});

process.on('SIGTERM', function () {
	server.close();
	process.exit(0);
});
