"""Orchestration: plain functions taking the session and the acting user, callable from views, CLI and workers."""
