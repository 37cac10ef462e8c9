"""Static files from the application process (WhiteNoise), without a thread per request.

WhiteNoise's middleware is synchronous only; under ASGI Django would then run every
request's middleware chain through a thread hop. This one answers a /static/ address
from WhiteNoise's table and passes every other request on in the caller's mode.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    sync_capable = True
    async_capable = True

    def __init__(self, get_response=None, **kwargs):
        super().__init__(get_response, **kwargs)
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self._async:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request):
        path = request.path_info
        if path.startswith(self.static_prefix):
            if self.autorefresh:  # looks in the file system: not on the event loop
                static_file = await sync_to_async(self.find_file, thread_sensitive=False)(path)
            else:
                static_file = self.files.get(path)
            if static_file is not None:
                return self.serve(static_file, request)
        return await self.get_response(request)
