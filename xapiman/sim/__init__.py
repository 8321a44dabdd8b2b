"""The XAPI simulator: an HTTP(S) server that answers like a pool coordinator. No Qt."""
