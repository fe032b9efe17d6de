"""The Qt shell: main window, views, item models, dialogs and the worker bridge."""
