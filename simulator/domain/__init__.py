"""Rules of every service: pure Python, given a clock instant and a store connection."""
