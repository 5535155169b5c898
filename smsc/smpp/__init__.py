"""One SMPP session as a sans-I/O state machine, for either role.

Bytes and ``now`` in; events, bytes and the next deadline out. The server (SMSC role,
``smsc.core``) and the Locust client (ESME role, ``loadtests``) drive the same classes; nothing
here imports Twisted, a socket or the server. ``states`` is the table of what may arrive and
be sent in each bind state; ``window`` keeps our outstanding requests and their deadlines.
"""
