"""The portal's date formats where Django's for a language do not suit (FORMAT_MODULE_PATH)."""
