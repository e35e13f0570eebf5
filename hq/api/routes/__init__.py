"""The protocol's endpoints, one router per group."""
