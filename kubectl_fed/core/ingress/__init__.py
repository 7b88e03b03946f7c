"""What one shared Google Cloud L7 load balancer needs: one GLBC UID, identical node ports, the
Ingress rollout order and the load balancer as GCE reports it.
"""
