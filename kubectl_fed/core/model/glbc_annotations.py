"""Annotations Google Cloud's ingress controller (GLBC) reads or writes on an Ingress."""

# The prefix of what GLBC writes back: the load balancer's parts and the backends' health.
GLBC = "ingress.kubernetes.io/"
# Written by GLBC: the name of the static IP it reserved for the load balancer.
STATIC_IP_ANNOTATION = "ingress.kubernetes.io/static-ip"
# Read by GLBC: a global static IP to use instead of reserving one.
GLOBAL_STATIC_IP_ANNOTATION = "kubernetes.io/ingress.global-static-ip-name"
