"""Running learner Python in a confined child process (DESIGN.md §5).

- `launcher`: start one confined runner (bubblewrap + resource limits +
  seccomp) and exchange one job with it. No Django, so it can be exercised
  by any interpreter and user.
- `pool`: warm sandboxes and a cap on concurrent jobs.
- `service`: the site's entry points, `run_job()` and `availability()`.
- `runner`: the program inside the sandbox (standard library only).
"""
