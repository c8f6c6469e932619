"""The official codifier of administrative-territorial units (KATOTTG): oblasts, raions, hromadas."""
