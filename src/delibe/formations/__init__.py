"""Formation files (YAML, docs/formation-format.md) → the engine's frozen ``Formation``.

``load_formation("but-mmi-dijon")`` reads ``formations/but-mmi-dijon.yaml`` (or $DELIBE_FORMATIONS_DIR);
``load_formation("some/path.yaml")`` reads that file; ``load_formation_text`` parses text already read.
Any problem raises ``FormationError`` listing every problem with file, line and field.
"""

from delibe.formations.loader import (
    FormationError,
    Problem,
    formation_from_data,
    formations_dir,
    list_formations,
    load_formation,
    load_formation_text,
)

__all__ = [
    "FormationError",
    "Problem",
    "formation_from_data",
    "formations_dir",
    "list_formations",
    "load_formation",
    "load_formation_text",
]
