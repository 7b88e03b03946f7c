"""What the test suite shares: the in-process CLI runner, subprocesses, polling, manifests,
kind spellings, sandbox clients."""
