"""What the test suite shares: the in-process CLI runner, polling, manifests, sandbox clients."""
