"""Hooks for the tests' local SMTP server (the ``smtp_server`` fixture): which connections were opened, which
connection each message arrived on, and recipients the server refuses."""


def connections(inbox) -> list:
    """Make the server note each connection opened to it (at the client's greeting); return the live list."""
    opened = []

    async def handle_ehlo(server, session, envelope, hostname, responses):
        session.host_name = hostname  # what the server does itself when no handler greets
        opened.append(session.peer)
        return responses

    inbox.handle_EHLO = handle_ehlo
    return opened


def arrivals(inbox) -> list:
    """Make the server note the connection (client address and port) each message arrived on; return the list."""
    peers = []
    receive = inbox.handle_DATA

    async def handle_data(server, session, envelope):
        peers.append(session.peer)
        return await receive(server, session, envelope)

    inbox.handle_DATA = handle_data
    return peers


def refusing(inbox, prefix: str, reply: str) -> None:
    """Make the server answer ``reply`` to recipients starting with ``prefix`` and accept the others."""
    async def handle_rcpt(server, session, envelope, address, options):
        if address.startswith(prefix):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    inbox.handle_RCPT = handle_rcpt
