"""Schema machinery shared by every type: Node, connections, filters, arguments, errors."""
