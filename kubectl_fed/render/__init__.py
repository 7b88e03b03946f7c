"""Output builders: tables, describe text, json/yaml. They build output, never decide."""
