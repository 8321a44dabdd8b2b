"""The XAPI client: transports, connections, the live object cache, tasks. No Qt."""
