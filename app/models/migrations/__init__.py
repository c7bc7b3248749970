"""Schema migrations, applied in numeric order by :mod:`app.models.schema`.

Each file defines ``up(migrator, db)`` and declares the models it needs as frozen copies,
independent of :mod:`app.models.entities`, so that it keeps meaning the same schema
however the application's models change later.
"""
