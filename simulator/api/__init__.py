"""Thin Connexion glue: one module per OpenAPI spec, handlers named by operationId."""
