"""create / apply / delete / unfederate: the federation plan decided before any write (node ports,
the GLBC UID agreement, replica shares), and the writes in one member.
"""
