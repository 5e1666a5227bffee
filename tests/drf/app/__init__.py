"""A minimal Django REST framework app that mirrors Creatify's lipsync preview endpoint (spec/lipsync-preview.yaml)."""
