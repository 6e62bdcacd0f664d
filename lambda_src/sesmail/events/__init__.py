"""SES events: parse records, fold status, store in and read from the event table, support lookups.

Pure modules (``models``, ``parse``, ``schema``, ``status``, ``lookup``, ``persist``) import no boto3;
``store`` is the only one that talks to DynamoDB.
"""
