"""Create / apply / delete / unfederate: the federation plan decided before any write, and the
writes in one member.
"""
