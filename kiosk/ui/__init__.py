"""The thin Qt layer: QML views bound to small Python QObjects."""
