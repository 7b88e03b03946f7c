"""create / apply (and diff): read the members, decide the federation plan, write in the order an
Ingress needs, finish rollouts; one converge pass serves them, `doctor --fix` and `reconcile`.
"""
