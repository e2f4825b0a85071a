"""File imports for every source: layouts, reading, validation, matching, bulk writing and the runner.

The public verbs (plain functions taking the session and the user, never ``flask.g``):

- :mod:`~app.services.imports.runner`: ``submit``, ``validate``, ``begin_import``, ``run``, ``execute``
  (commit or roll back and mark failed, for a thread or job), ``import_file`` (one go), ``same_file_imports``;
- :mod:`~app.services.imports.recording`: ``check_and_match``, ``open_batch``, ``write``, ``record`` (the
  steps every import batch shares: a file, a REST API push, a Salesforce sync);
- :mod:`~app.services.imports.mappings`: ``saved``, ``propose``, ``remember``, ``resolve``, ``apply``;
- :mod:`~app.services.imports.layouts`: ``LAYOUTS``, ``get`` (the documented layout of each source);
- :mod:`~app.services.imports.examples`: ``template_csv``, ``template_xlsx``;
- :mod:`~app.services.imports.reports`: the stored problems of a batch, and their CSV;
- :mod:`~app.services.imports.progress`: ``start`` (background thread), ``live``, ``is_running``, ``wait``.
"""
