"""The cramp diary: storage, analytics and import/export."""
