"""ConfigMap (v1): fanned out as written."""

from __future__ import annotations

from kubectl_fed.core.kinds import folds
from kubectl_fed.core.kinds.secret import data_count
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule
from kubectl_fed.core.model.validation import STRING_MAP

CONFIGMAP = Kind(
    kind="ConfigMap",
    group="",
    version="v1",
    plural="configmaps",
    singular="configmap",
    short_names=("cm",),
    name_rule=NameRule.SUBDOMAIN,
    shapes=(("data", STRING_MAP), ("binaryData", STRING_MAP)),
    columns=Columns(("DATA",), lambda obj, wide: [data_count(obj)]),
    fold=folds.copies("configmap"),
)
