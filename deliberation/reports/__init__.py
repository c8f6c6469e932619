"""Reports on carrying out adopted resolutions, hromada by hromada."""
