"""The edXML vocabulary (QCVN 102:2016/BTTTT, amended by Circular 01/2022/TT-BTTTT), in one place.

Every element name, code and format the parser (`edxml.py`) and the builder use is written here
and nowhere else, so that a correction after reading the standard's own text is one edit.

Where each part comes from — the standard's text itself was NOT available while writing this:

* From the description in issue 18 (its "facts to start from"): the namespace
  `http://www.mic.gov.vn/TBT/QCVN_102_2016`; the root `edXML`; `edXMLEnvelope` → `edXMLHeader` →
  `MessageHeader` with `From`/`To` (`OrganId`, `OrganName`, `OrganizationInCharge`),
  `DocumentId`, `Code` (`CodeNumber`, `CodeNotation`), `PromulgationInfo` (`Place`,
  `PromulgationDate`), `DocumentType` (`Type`, `TypeDetail`, `TypeName`), `Subject`, `Content`,
  `SignerInfo`, `DueDate`, `ToPlaces`, `OtherInfo` (priority and scope), `SteeringType`,
  `ResponseFor`; `TraceHeaderList`, `Signature`; `edXMLBody` → `edXMLManifest` → `Reference`
  (`ContentId`, `ContentType`, `AttachmentName`); `AttachmentEncoded` → `Attachment`
  (`ContentId`, `ContentTransferEncoded`, base64); status packages for received, refused,
  accepted/registered, assigned, being handled and completed.
* From public e-office and connector code that reads and writes these packages (checked, not
  normative), marked "(public implementations)" below: `AttachmentEncoded` is a child of the root,
  beside `edXMLEnvelope`, and is often written without the namespace; a `Reference`'s `ContentId`
  may carry a `cid:` prefix that the `Attachment`'s lacks; the names inside `SignerInfo`
  (`Competence`, `Position`, `FullName`), `OtherInfo` (`Priority`, `SphereOfPromulgation`,
  `PromulgationAmount`, `PageAmount`) and `TraceHeader` (`OrganId`, `Timestamp`); dates written
  `YYYY/MM/DD`; a `DocumentId` of the form `sender code,YYYY/MM/DD,number/notation`; the status
  package's `Status` (`ResponseFor` with `OrganId`, `Code`, `PromulgationDate`, `DocumentId`;
  `From`; `StatusCode`; `Description`; `Timestamp`; `StaffInfo` with `Department`, `Staff`) and the
  status codes 01–06; the priority values 0–3.
* Our own choices, not from either: the caps (settings, `conf.py`); `DocumentType/Type` written as
  1 with the Vietnamese type name in `TypeName` (the receiver matches the name, not a number
  list we have not seen); no `Signature` element is written (the signed PDF carries the
  signatures; the portal does not sign packages), and one in a received package is ignored.
"""

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

# --- element names ---------------------------------------------------------------------------------
ROOT = "edXML"
ENVELOPE = "edXMLEnvelope"
HEADER = "edXMLHeader"
MESSAGE_HEADER = "MessageHeader"
FROM = "From"
TO = "To"
ORGAN_ID = "OrganId"
ORGAN_NAME = "OrganName"
ORGANIZATION_IN_CHARGE = "OrganizationInCharge"
DOCUMENT_ID = "DocumentId"
CODE = "Code"
CODE_NUMBER = "CodeNumber"
CODE_NOTATION = "CodeNotation"
PROMULGATION_INFO = "PromulgationInfo"
PLACE = "Place"
PROMULGATION_DATE = "PromulgationDate"
DOCUMENT_TYPE = "DocumentType"
TYPE = "Type"
TYPE_DETAIL = "TypeDetail"
TYPE_NAME = "TypeName"
SUBJECT = "Subject"
CONTENT = "Content"
SIGNER_INFO = "SignerInfo"
COMPETENCE = "Competence"  # (public implementations)
POSITION = "Position"  # (public implementations)
FULL_NAME = "FullName"  # (public implementations)
DUE_DATE = "DueDate"
TO_PLACES = "ToPlaces"
OTHER_INFO = "OtherInfo"
PRIORITY = "Priority"  # (public implementations)
SPHERE = "SphereOfPromulgation"  # (public implementations)
PROMULGATION_AMOUNT = "PromulgationAmount"  # (public implementations)
PAGE_AMOUNT = "PageAmount"  # (public implementations)
STEERING_TYPE = "SteeringType"
RESPONSE_FOR = "ResponseFor"
TRACE_HEADER_LIST = "TraceHeaderList"
TRACE_HEADER = "TraceHeader"  # (public implementations)
TIMESTAMP = "Timestamp"  # (public implementations)
SIGNATURE = "Signature"
BODY = "edXMLBody"
MANIFEST = "edXMLManifest"
REFERENCE = "Reference"
CONTENT_ID = "ContentId"
CONTENT_TYPE = "ContentType"
ATTACHMENT_NAME = "AttachmentName"
DESCRIPTION = "Description"  # (public implementations)
ATTACHMENT_ENCODED = "AttachmentEncoded"
ATTACHMENT = "Attachment"
CONTENT_TRANSFER_ENCODED = "ContentTransferEncoded"
# Status packages (public implementations): edXML → edXMLEnvelope → edXMLHeader → Status.
STATUS = "Status"
STATUS_CODE = "StatusCode"
STAFF_INFO = "StaffInfo"
DEPARTMENT = "Department"
STAFF = "Staff"

# Elements under the root that may come without the namespace (public implementations).
NAMESPACE_OPTIONAL = frozenset({ATTACHMENT_ENCODED, ATTACHMENT, CONTENT_ID, CONTENT_TYPE, ATTACHMENT_NAME, DESCRIPTION,
                                CONTENT_TRANSFER_ENCODED})
CID_PREFIX = "cid:"  # (public implementations) a Reference's ContentId may carry it

# --- paths inside MessageHeader that the portal reads, and the field each fills ----------------------
HEADER_FIELDS = {
    (DOCUMENT_ID,): "document_id",
    (CODE, CODE_NUMBER): "code_number",
    (CODE, CODE_NOTATION): "code_notation",
    (PROMULGATION_INFO, PLACE): "place",
    (PROMULGATION_INFO, PROMULGATION_DATE): "promulgation_date",
    (DOCUMENT_TYPE, TYPE): "type",
    (DOCUMENT_TYPE, TYPE_DETAIL): "type_detail",
    (DOCUMENT_TYPE, TYPE_NAME): "type_name",
    (SUBJECT,): "subject",
    (CONTENT,): "content",
    (SIGNER_INFO, COMPETENCE): "signer_competence",
    (SIGNER_INFO, POSITION): "signer_position",
    (SIGNER_INFO, FULL_NAME): "signer_name",
    (DUE_DATE,): "due_date",
    (TO_PLACES, PLACE): "to_places",  # repeated: collected as a list
    (OTHER_INFO, PRIORITY): "priority",
    (OTHER_INFO, SPHERE): "sphere",
    (STEERING_TYPE,): "steering_type",
    (RESPONSE_FOR, DOCUMENT_ID): "response_for",
}
PARTY_FIELDS = {ORGAN_ID: "code", ORGAN_NAME: "name", ORGANIZATION_IN_CHARGE: "in_charge"}
# Required in a document package, by path from MessageHeader (the message names the element).
REQUIRED_HEADER = [(FROM, ORGAN_ID), (TO, ORGAN_ID), (CODE, CODE_NUMBER), (PROMULGATION_INFO, PROMULGATION_DATE),
                   (SUBJECT,)]
STATUS_FIELDS = {
    (RESPONSE_FOR, ORGAN_ID): "response_organ_id",
    (RESPONSE_FOR, CODE): "response_code",
    (RESPONSE_FOR, PROMULGATION_DATE): "response_date",
    (RESPONSE_FOR, DOCUMENT_ID): "response_document_id",
    (FROM, ORGAN_ID): "from_code",
    (FROM, ORGAN_NAME): "from_name",
    (STATUS_CODE,): "status_code",
    (DESCRIPTION,): "description",
    (TIMESTAMP,): "timestamp",
    (STAFF_INFO, DEPARTMENT): "department",
    (STAFF_INFO, STAFF): "staff",
}
REQUIRED_STATUS = [(RESPONSE_FOR, DOCUMENT_ID), (FROM, ORGAN_ID), (STATUS_CODE,)]

# --- formats (public implementations) -----------------------------------------------------------------
DATE_FORMAT = "%Y/%m/%d"
DATE_FORMATS_READ = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y")
TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M:%S"
DOCUMENT_TYPE_ADMINISTRATIVE = "1"  # our choice: see the docstring


def document_id(sender_code: str, date, number_symbol: str) -> str:
    """`000.00.31.H09,2026/03/10,15/QĐ-BQL` (public implementations)."""
    return f"{sender_code},{date.strftime(DATE_FORMAT)},{number_symbol}"


# --- status codes (public implementations) ---------------------------------------------------------------
class StatusCode:
    RECEIVED = "01"  # đã đến
    REFUSED = "02"  # từ chối tiếp nhận
    ACCEPTED = "03"  # đã tiếp nhận (registered)
    ASSIGNED = "04"  # phân công
    IN_PROGRESS = "05"  # đang xử lý
    COMPLETED = "06"  # hoàn thành


# --- priority (độ khẩn) (public implementations) ----------------------------------------------------------
PRIORITY_BY_URGENCY = {"normal": "0", "urgent": "1", "very_urgent": "2", "flash": "3"}
URGENCY_BY_PRIORITY = {value: key for key, value in PRIORITY_BY_URGENCY.items()}

# --- declared content types and the type the content check finds (documents/attachments.py) ------------
# Declared ContentType (lower case, without parameters) -> the detected FileType.content_type.
CONTENT_TYPE_ALIASES = {
    "application/pdf": "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/jpg": "image/jpeg",
    "image/tiff": "image/tiff",
}
