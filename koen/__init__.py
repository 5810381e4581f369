"""The koen command line."""
