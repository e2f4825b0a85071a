"""The Salesforce connector: pull Accounts and Contracts that changed since the last sync, through the import path.

- :mod:`~app.services.salesforce.connection`: the connection settings, secrets encrypted at rest;
- :mod:`~app.services.salesforce.client`: REST + SOQL, pages through ``nextRecordsUrl``, one token refresh;
- :mod:`~app.services.salesforce.mapping`: Salesforce field → Mandato field, per object;
- :mod:`~app.services.salesforce.pull`: the window of ``SystemModstamp`` per object, deletions via ``queryAll``;
- :mod:`~app.services.salesforce.writing`: records → import rows → the import's checks, matching and writers;
- :mod:`~app.services.salesforce.sync`: ``begin``, ``run``, ``sync_now``, ``is_due`` and the sync log;
- :mod:`~app.services.salesforce.jobs`: the "sync now" button's background thread and its progress.
"""
