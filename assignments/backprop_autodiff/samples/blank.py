# The notebook exactly as released: every answer cell still holds its `...` placeholders.
