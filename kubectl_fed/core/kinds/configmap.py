"""ConfigMap (v1): fanned out as written."""

from __future__ import annotations

from kubectl_fed.core.kinds.families import copied
from kubectl_fed.core.kinds.secret import data_count
from kubectl_fed.core.kinds.spec import Columns, api
from kubectl_fed.core.kinds.validation import STRING_MAP

CONFIGMAP = copied(
    api("v1", "ConfigMap", "configmaps", "cm"),
    Columns(("DATA",), lambda obj, wide: [data_count(obj)]),
    shapes=(("data", STRING_MAP), ("binaryData", STRING_MAP)),
)
