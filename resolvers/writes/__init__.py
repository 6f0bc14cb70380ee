"""Write-side services: one module per content type, over the generic write path."""
