"""Contact work: contact logs, tasks and alerts."""
