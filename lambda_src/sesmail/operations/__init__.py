"""Operating the sending side: the 24-hour quota as a metric, and pausing/resuming configuration sets.

``quota`` and ``pause`` are pure (no boto3); ``aws`` is the only module here that talks to AWS.
"""
