"""Practices: carried-out reports offered to other hromadas, and the register of hromadas sharing experience."""
