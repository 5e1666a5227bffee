"""`POST /api/lipsyncs/preview/`: validates the body (JSON, form or multipart) and answers with it.

The 200 body is the `Lipsync` response the spec describes: what was validated, with the model's
defaults for the fields left out (`MODEL_DEFAULTS`, as saving a model instance applies them),
plus made-up values for the read-only fields. The `X-Validated` header carries exactly those
values, what the serializer validated and the defaults, as ASCII JSON (any other field absent
from it was absent after parsing), so the test can compare it with what the caller meant.
"""
import datetime
import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from app.serializers import MODEL_DEFAULTS, LipsyncSerializer


# No docstring: drf-spectacular would make it the operation's description. The vendor's view
# inherits a list mixin's docstring, which the test leaves out of the comparison.
class LipsyncPreviewView(generics.GenericAPIView):
    serializer_class = LipsyncSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # As a save would: the model's default for each field the serializer left out. A form
        # that leaves out a boolean has it validated as false (an unchecked box), so the
        # default does not apply.
        validated = {**MODEL_DEFAULTS, **serializer.validated_data}
        now = datetime.datetime.now(datetime.timezone.utc)
        created = {
            **validated,
            "id": uuid.uuid4(),
            "output": None,
            "video_thumbnail": "https://example.com/thumbnail.jpg",
            "created_at": now,
            "updated_at": now,
            "credits_used": 1.0,
            "duration": 0,
            "progress": "0.0",
            "failed_reason": None,
            "media_job": None,
            "status": "pending",
            "is_hidden": False,
            "audio_url": validated.get("audio"),
            "preview": None,
            "editor_url": None,
            "preview_audio": None,
        }
        headers = {"X-Validated": json.dumps(validated, cls=DjangoJSONEncoder, ensure_ascii=True)}
        return Response(LipsyncSerializer(created).data, headers=headers)
