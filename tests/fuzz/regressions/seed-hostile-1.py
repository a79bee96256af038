@d
@e
class A:
	def f(self, x=(1,
"""
)): pass
  def g(): \
  pass
