# Tests of daemon/ events, outbox, uplink.
