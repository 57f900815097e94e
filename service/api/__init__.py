"""The HTTP layer: app assembly, routes, schemas, the error map, middleware."""
